builtins.fetchGit { url = ./shallow; shallow = true; }
