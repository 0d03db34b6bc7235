from newsflow.launch import main

raise SystemExit(main())
