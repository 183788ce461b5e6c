let n = 1; in n + "${toString 2}"
