from gitops_release.cli import main

main()
