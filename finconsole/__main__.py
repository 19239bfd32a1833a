from finconsole.cli import main

raise SystemExit(main())
