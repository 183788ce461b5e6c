let r = builtins.fetchGit ./dirty; in { files = builtins.readDir r; a = builtins.readFile "${r}/a.txt"; link = builtins.readFileType "${r}/link"; }
