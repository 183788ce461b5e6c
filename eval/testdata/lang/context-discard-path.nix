builtins.unsafeDiscardStringContext { outPath = "/foo"; }
