"""Pages: curated drafts written into content/, machine-made pages rendered from templates."""
