"""`pip install examples/python` works offline and gives an importable
package (pure Python: no compiler step)."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from support import PACKAGE_DIR


def have_pip_and_setuptools():
    probe = subprocess.run([sys.executable, "-c",
                            "import setuptools, pip"],
                           capture_output=True)
    return probe.returncode == 0


@unittest.skipUnless(os.path.exists(os.path.join(PACKAGE_DIR,
                                                 "pyproject.toml")),
                     "not running from a checkout")
@unittest.skipUnless(have_pip_and_setuptools(), "pip or setuptools missing")
class InstallTest(unittest.TestCase):
    def test_pip_install_target(self):
        with tempfile.TemporaryDirectory() as tmp:
            # build from a copy: pip would otherwise write build/ and
            # *.egg-info into the source tree
            src = os.path.join(tmp, "src")
            shutil.copytree(PACKAGE_DIR, src, ignore=shutil.ignore_patterns(
                "__pycache__", "build", "*.egg-info"))
            target = os.path.join(tmp, "site")
            env = dict(os.environ, PIP_NO_INDEX="1",
                       PIP_DISABLE_PIP_VERSION_CHECK="1")
            out = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet",
                 "--no-build-isolation", "--no-deps", "--no-index",
                 "--target", target, src],
                capture_output=True, text=True, env=env, timeout=120)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            installed = os.path.join(target, "caerec")
            self.assertTrue(os.path.isfile(os.path.join(installed,
                                                        "__init__.py")))
            self.assertFalse([f for f in os.listdir(installed)
                              if f.endswith((".so", ".c"))])
            # the installed copy imports and loads the library given by
            # CAEREC_LIBRARY (outside a checkout, no build-dir search)
            code = ("import caerec, os; "
                    "assert caerec.__file__.startswith(%r), caerec.__file__;"
                    " print(caerec.__version__)" % installed)
            env = dict(os.environ, PYTHONPATH=target)
            run = subprocess.run([sys.executable, "-c", code], env=env,
                                 capture_output=True, text=True, timeout=60,
                                 cwd=tmp)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(run.stdout.strip(), "0.1.0")
            if os.environ.get("CAEREC_LIBRARY"):
                code = "import caerec; print(caerec.library_version())"
                run = subprocess.run([sys.executable, "-c", code], env=env,
                                     capture_output=True, text=True,
                                     timeout=60, cwd=tmp)
                self.assertEqual(run.returncode, 0, run.stderr)
                self.assertEqual(run.stdout.strip().split(".")[0], "0")


if __name__ == "__main__":
    unittest.main()
