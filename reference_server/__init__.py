"""The reference server of the industryData run API: `python -m reference_server --dev`."""
