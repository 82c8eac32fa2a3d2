"""Curriculum as files: `loader` (files -> spec, pure) and `importer` (spec -> DB)."""
