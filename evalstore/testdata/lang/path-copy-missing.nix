"${./src/missing}"
