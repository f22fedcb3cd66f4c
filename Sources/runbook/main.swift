// Placeholder so the package resolves; replaced by the command line.
print("runbook")
