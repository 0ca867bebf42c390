from dangjian.cli import main

main()
