from ledger.lifetime import main

main()
