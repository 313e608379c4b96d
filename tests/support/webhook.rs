//! A loopback HTTPS webhook server (tests/support/webhook_server.py) with a certificate made for the run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct WebhookServer {
    child: Child,
    pub url: String,
    pub ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl WebhookServer {
    pub fn start() -> WebhookServer {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-new",
                "-nodes",
                "-newkey",
                "rsa:2048",
                "-days",
                "2",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-subj",
                "/CN=webhook-ca",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-new",
                "-nodes",
                "-newkey",
                "rsa:2048",
                "-keyout",
                "tls.key",
                "-out",
                "tls.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        );
        std::fs::write(d.join("ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n").unwrap();
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "tls.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "ext",
                "-out",
                "tls.crt",
            ],
        );
        let portfile = d.join("port");
        let script = super::cluster::repo_root().join("tests/support/webhook_server.py");
        let child = Command::new("python3")
            .arg(script)
            .arg(d.join("tls.crt"))
            .arg(d.join("tls.key"))
            .arg(&portfile)
            .arg("900")
            .stdout(Stdio::null())
            .spawn()
            .expect("python3");
        let deadline = Instant::now() + Duration::from_secs(20);
        let port = loop {
            if let Ok(p) = std::fs::read_to_string(&portfile) {
                break p;
            }
            assert!(Instant::now() < deadline, "webhook server did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        WebhookServer { child, url: format!("https://127.0.0.1:{}", port.trim()), ca_file: d.join("ca.crt"), _dir: dir }
    }

    pub fn ca_base64(&self) -> String {
        let out = Command::new("base64").arg("-w0").arg(&self.ca_file).output().expect("base64");
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for WebhookServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
