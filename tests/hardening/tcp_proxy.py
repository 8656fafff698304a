"""A loopback TCP proxy whose link can be cut, for database-outage tests (never touches the
shared PostgreSQL server itself).

Modes: "up" forwards; "blackhole" keeps every socket open and forwards nothing, like a
network partition (new connections are accepted and then hang); "down" closes everything
and refuses new connections.
"""
import select
import socket
import threading


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.mode = "up"
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._sockets, self._lock, self._stopped = [], threading.Lock(), False
        threading.Thread(target=self._accept, daemon=True).start()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        if mode == "down":
            with self._lock:
                for sock in self._sockets:
                    _close(sock)
                self._sockets.clear()

    def close(self) -> None:
        self._stopped = True
        self.set_mode("down")
        _close(self._listener)

    def _accept(self):
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "down":
                _close(client)
                continue
            with self._lock:
                self._sockets.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        while self.mode == "blackhole" and not self._stopped:
            threading.Event().wait(0.05)  # accepted, never answered
        if self.mode != "up":
            return
        try:
            upstream = socket.create_connection(self.upstream)
        except OSError:
            _close(client)
            return
        with self._lock:
            self._sockets.append(upstream)
        pair = {client: upstream, upstream: client}
        while not self._stopped:
            if self.mode == "blackhole":
                threading.Event().wait(0.05)
                continue
            try:
                readable, _, _ = select.select(list(pair), [], [], 0.05)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    pair[sock].sendall(data)
            except (OSError, ValueError):
                _close(client)
                _close(upstream)
                return


def _close(sock):
    try:
        sock.close()
    except OSError:
        pass
