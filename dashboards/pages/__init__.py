"""One module per page (Dash pages); each callback sits beside the layout it serves."""
