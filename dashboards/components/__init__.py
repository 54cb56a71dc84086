"""Building blocks the pages share: tiles, breadcrumbs, the banner, grids, figures and URLs."""
