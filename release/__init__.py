"""A release of the contract (`make publish`): the bundled spec, the offline docs page, the
client's wheel and sdist, the release notes and the checksums, built together into `dist/`.
"""
