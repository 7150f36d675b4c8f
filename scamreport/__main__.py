from scamreport.cli import main

raise SystemExit(main())
