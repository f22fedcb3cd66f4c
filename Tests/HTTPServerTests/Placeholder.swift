// Placeholder so the package resolves; replaced by this module's tests.
