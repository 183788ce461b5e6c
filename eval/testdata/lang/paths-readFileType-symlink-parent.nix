builtins.readFileType ./paths-data/dirlink/inner
