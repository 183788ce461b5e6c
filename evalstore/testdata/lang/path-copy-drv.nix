toString ./src/file + "${./src/file.drv}"
