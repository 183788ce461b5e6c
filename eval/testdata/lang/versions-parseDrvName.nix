with builtins; map parseDrvName [ "nix-0.12pre12876" "apache-httpd-2.0.48" "foo" "foo-" "-1" "a-b-c" "x-1y" "x-é" "" ]
