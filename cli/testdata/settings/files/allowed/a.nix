{ a = 1; b = builtins.readFile ./sub/data.txt; }
