"""Package layout: the code is under scripts/, the bundled examples under examples/."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("scripts"), "gitops_release.examples"],
    package_dir={"": "scripts", "gitops_release.examples": "examples"},
    package_data={
        "": ["py.typed", "*.json", "*.yaml"],
        "gitops_release.examples": ["**/*", "**/.*", "**/.*/**/*"],
    },
    include_package_data=False,
)
