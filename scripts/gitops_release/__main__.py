from gitops_release.entry import main

main()
