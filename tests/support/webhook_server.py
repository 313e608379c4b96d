"""A loopback HTTPS test server acting as a Webhook authorizer (/authorize) and a validating admission webhook
(/validate) for kubectl-sa's real-cluster tests.

usage: webhook_server.py CERT KEY PORTFILE [LIFETIME_SECONDS]
Writes the port it listens on (127.0.0.1 only) to PORTFILE and stops by itself after LIFETIME_SECONDS.
Authorizer: allows ServiceAccounts named webhook-allowed to do anything on configmaps; explicitly denies
ServiceAccounts named webhook-denied on pods; no opinion otherwise.
Admission: /validate denies every request it receives with the message "denied by the test admission webhook";
/mutate allows it and adds a container named kubectl-sa-path (a mutating webhook that an escalation path installs).
"""
import base64
import http.server
import json
import ssl
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.path.startswith("/authorize"):
            spec = body.get("spec", {})
            user = spec.get("user", "")
            resource = (spec.get("resourceAttributes") or {}).get("resource", "")
            status = {"allowed": False}
            if user.endswith(":webhook-allowed") and resource == "configmaps":
                status = {"allowed": True, "reason": "allowed by the test webhook"}
            elif user.endswith(":webhook-denied") and resource == "pods":
                status = {"allowed": False, "denied": True, "reason": "denied by the test webhook"}
            reply = {"apiVersion": body.get("apiVersion", "authorization.k8s.io/v1"), "kind": "SubjectAccessReview", "status": status}
        elif self.path.startswith("/validate"):
            request = body.get("request", {})
            reply = {
                "apiVersion": "admission.k8s.io/v1",
                "kind": "AdmissionReview",
                "response": {
                    "uid": request.get("uid", ""),
                    "allowed": False,
                    "status": {"code": 403, "message": "denied by the test admission webhook"},
                },
            }
        elif self.path.startswith("/mutate"):
            request = body.get("request", {})
            container = {"name": "kubectl-sa-path", "image": "busybox", "command": ["sleep", "3600"]}
            patch = [{"op": "add", "path": "/spec/containers/-", "value": container}]
            reply = {
                "apiVersion": "admission.k8s.io/v1",
                "kind": "AdmissionReview",
                "response": {
                    "uid": request.get("uid", ""),
                    "allowed": True,
                    "patchType": "JSONPatch",
                    "patch": base64.b64encode(json.dumps(patch).encode()).decode(),
                },
            }
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    cert, key, portfile = sys.argv[1:4]
    lifetime = float(sys.argv[4]) if len(sys.argv) > 4 else 900
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
