# A TCP server that accepts connections and never answers: the worst LDAP server there is.
# Usage: python3 hung_server.py PORTFILE  (writes the port it listens on, then serves forever)
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # keep it open, read nothing, say nothing
