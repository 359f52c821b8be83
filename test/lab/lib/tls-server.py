"""HTTPS stand-in for Portainer: answers every GET with 200 and a small page.

Usage: tls-server.py CERT KEY READY_FILE   (listens on 0.0.0.0:443 in the caller's namespace)
"""
import http.server
import ssl
import sys

cert, key, ready = sys.argv[1:4]


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 'nginx'
    sys_version = ''

    def do_GET(self):
        body = b'<!DOCTYPE html><html><head><title>Portainer</title></head><body>Portainer</body></html>\n'
        self.send_response(200)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that rejects our certificate aborts the handshake; that is expected in the tls scenario.
        pass


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd = Server(('0.0.0.0', 443), Handler)
# Handshake in the handler thread, so a client that connects and stalls cannot block accept().
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
open(ready, 'w').close()
# No poll interval: serve_forever would otherwise wake twice a second to check for a shutdown()
# nobody calls (lab.sh ends the server with SIGTERM), and a fleet of 50 idle labs pays for that.
httpd.serve_forever(poll_interval=None)
