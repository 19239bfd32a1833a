from finconsole.entry import main

raise SystemExit(main())
