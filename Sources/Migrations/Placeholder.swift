// Placeholder so the package resolves; replaced by this module's first real file.
