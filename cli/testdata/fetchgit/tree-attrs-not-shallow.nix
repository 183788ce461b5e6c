builtins.fetchTree { type = "git"; url = ./clean; shallow = false; }
