"""scripts/bootstrap.sh, as `make demo` runs it in a new clone: what it prints when it installs uv into the new
environment. The script runs in a scratch copy of the project, where stand-ins answer for dpkg and for the
environment's Python (which pip runs in); nothing is installed."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORED_INDEX = "WARNING: Location 'file:///opt/pypi/simple/uv/' is ignored: it is neither a file nor a directory."

PYTHON = """#!/bin/sh
# The environment's Python: passes the version check; `-m pip install` prints what pip printed and exits with
# its status, leaving uv behind on success.
if [ "$1" = "-c" ]; then exit 0; fi
cat "$(dirname "$0")/pip-says" >&2
status=$(cat "$(dirname "$0")/pip-status")
if [ "$status" = 0 ]; then printf '#!/bin/sh\\nexit 0\\n' > "$(dirname "$0")/uv"; chmod +x "$(dirname "$0")/uv"; fi
exit "$status"
"""


def bootstrap(tmp_path: Path, *, pip_says: str, pip_status: int = 0) -> subprocess.CompletedProcess:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", tmp_path / "scripts" / "bootstrap.sh")
    bin_dir, tools = tmp_path / ".venv" / "bin", tmp_path / "tools"
    bin_dir.mkdir(parents=True)
    tools.mkdir()
    (bin_dir / "python").write_text(PYTHON)
    (bin_dir / "pip-says").write_text(pip_says)
    (bin_dir / "pip-status").write_text(str(pip_status))
    (tools / "dpkg").write_text("#!/bin/sh\nexit 0\n")  # every Debian package is there
    for tool in (bin_dir / "python", tools / "dpkg"):
        tool.chmod(0o755)
    bash = shutil.which("bash") or "/bin/bash"
    return subprocess.run([bash, "scripts/bootstrap.sh", "demo"], cwd=tmp_path, capture_output=True, text=True,  # noqa: S603
                          env={"PATH": f"{tools}:/usr/bin:/bin", "HOME": str(tmp_path)}, check=False)


def test_installing_uv_leaves_out_the_warnings_about_local_indexes_without_it(tmp_path):
    result = bootstrap(tmp_path, pip_says=f"{IGNORED_INDEX}\nWARNING: Retrying after a timeout.\n")

    assert result.returncode == 0, result.stderr
    assert "[bootstrap] ready (demo)" in result.stdout
    assert "is ignored" not in result.stdout + result.stderr
    assert "WARNING: Retrying after a timeout." in result.stderr  # any other warning still shows


def test_a_failed_install_of_uv_still_stops_with_its_error(tmp_path):
    result = bootstrap(tmp_path, pip_says=f"{IGNORED_INDEX}\nERROR: No matching distribution found for uv\n",
                       pip_status=1)

    assert result.returncode == 1
    assert "ERROR: No matching distribution found for uv" in result.stderr
    assert "ready" not in result.stdout


def apt_installs(tmp_path: Path, profile: str) -> str:
    """What bootstrap.sh `profile` asks apt-get to install on a machine without any of its Debian packages (stand-ins
    answer for dpkg, apt-get, sudo and npm and record nothing but apt-get's arguments)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", tmp_path / "scripts" / "bootstrap.sh")
    bin_dir, tools = tmp_path / ".venv" / "bin", tmp_path / "tools"
    bin_dir.mkdir(parents=True)
    tools.mkdir()
    stubs = {bin_dir / "python": "#!/bin/sh\nexit 0\n", bin_dir / "uv": "#!/bin/sh\nexit 0\n",
             tools / "dpkg": "#!/bin/sh\nexit 1\n", tools / "npm": "#!/bin/sh\nexit 0\n",
             tools / "sudo": '#!/bin/sh\nexec "$@"\n', tools / "initdb": "#!/bin/sh\nexit 0\n",
             tools / "apt-get": f'#!/bin/sh\necho "$@" >> "{tmp_path}/apt-get.log"\n'}
    for path, text in stubs.items():
        path.write_text(text)
        path.chmod(0o755)
    bash = shutil.which("bash") or "/bin/bash"
    result = subprocess.run([bash, "scripts/bootstrap.sh", profile], cwd=tmp_path, capture_output=True, text=True,  # noqa: S603
                            env={"PATH": f"{tools}:/usr/bin:/bin", "HOME": str(tmp_path)}, check=False)
    assert result.returncode == 0, result.stderr
    return (tmp_path / "apt-get.log").read_text()


def test_the_test_set_up_installs_libreoffice_without_its_desktop_parts(tmp_path):
    installed = apt_installs(tmp_path, "test")

    assert "libreoffice-writer-nogui" in installed
    assert "libreoffice-calc-nogui" in installed
    assert "--no-install-recommends" in installed


def test_the_demo_set_up_installs_no_libreoffice(tmp_path):
    installed = apt_installs(tmp_path, "demo")

    assert "fonts-liberation2" in installed
    assert "libreoffice" not in installed
