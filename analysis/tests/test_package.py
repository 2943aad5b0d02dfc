"""The package as a researcher meets it: importable from any folder, and a plain message under a
Python that lacks Debian's h5py/numpy/pandas instead of a traceback."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Hide h5py as a Python without Debian's packages would, then import the package as `python -m` does.
HIDE = "import sys; sys.modules['h5py'] = None; sys.path.insert(0, sys.argv[1]); "


def _run(code, *args, cwd=None):
    return subprocess.run([sys.executable, "-c", code, ROOT, *args], capture_output=True, text=True, cwd=cwd, timeout=60)


def test_without_h5py_python_m_prints_a_message_not_a_traceback(tmp_path):
    p = _run(HIDE + "sys.argv[0] = '-m'; import analysis", cwd=tmp_path)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr, p.stderr
    assert "python3-h5py" in p.stderr and "/usr/bin/python3" in p.stderr, p.stderr


def test_without_h5py_import_raises_importerror_naming_the_fix(tmp_path):
    p = _run(HIDE + "\ntry:\n    import analysis\nexcept ImportError as e:\n    print(e)\n", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "python3-h5py" in p.stdout and sys.executable in p.stdout, p.stdout


def test_importable_from_another_folder_with_the_documented_path(tmp_path):
    # The one-liner of docs/analysis.md: PYTHONPATH=<checkout> (scripts/setup.sh writes the same as a .pth file).
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.run([sys.executable, "-c", "import analysis, os; print(os.path.dirname(analysis.__file__))"], capture_output=True, text=True,
                       cwd=tmp_path, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == os.path.join(ROOT, "analysis")
