# A small taste of the Nix language, evaluated by Cairn:
#   bin/nix-instantiate --eval --strict examples/hello.nix
let
  greet = name: "Hello, ${name}!";
  machines = {
    nas = { cores = 4; services = [ "samba" "restic" ]; };
    pi = { cores = 4; services = [ "pihole" ]; };
  };
in
rec {
  greeting = greet "homelab";
  hosts = builtins.attrNames machines;
  serviceCount = builtins.length (builtins.concatMap (h: machines.${h}.services) hosts);
  summary = "${toString (builtins.length hosts)} hosts, ${toString serviceCount} services";
}
