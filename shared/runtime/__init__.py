"""The process runtime: settings, lifecycle, logs, metrics, the projection worker."""
