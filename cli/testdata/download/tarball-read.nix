let t = builtins.fetchTarball "@URL@/proj.tar.gz"; in { files = builtins.readDir t; a = builtins.readFile "${t}/a.txt"; b = builtins.readFileType "${t}/sub/b"; }
