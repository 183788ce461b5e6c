import (builtins.fetchTarball "@URL@/proj.tar.gz" + "/a.txt")
