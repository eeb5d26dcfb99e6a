"""Developer tools for the API: not shipped in the image."""
