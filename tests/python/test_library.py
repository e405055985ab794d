"""Loading the library, version checks, error translation, configuration."""

import ctypes
import ctypes.util
import os
import subprocess
import sys
import unittest

from support import PACKAGE_DIR, TestCase, caerec


class LibraryTest(TestCase):
    def test_loads_and_reports_version(self):
        path = caerec.load_library()
        self.assertTrue(os.path.exists(path) or path.startswith("libcaerec"))
        self.assertEqual(caerec.library_version().split(".")[0], "0")
        number = caerec._lib.lib().version_number
        self.assertEqual(number // 10000, caerec._lib.API_MAJOR)
        self.assertEqual("%d.%d.%d" % (number // 10000, number // 100 % 100,
                                       number % 100),
                         caerec.library_version())

    def test_env_var_is_honoured(self):
        env = os.environ.get("CAEREC_LIBRARY")
        if not env:
            self.skipTest("CAEREC_LIBRARY not set")
        self.assertEqual(os.path.realpath(caerec.library_path()),
                         os.path.realpath(env))

    def test_bad_library_path_is_an_import_error(self):
        code = ("import caerec\n"
                "try:\n    caerec.load_library()\n"
                "except ImportError as e:\n    print('ERR', e)\n")
        env = dict(os.environ, CAEREC_LIBRARY="/nonexistent/libcaerec.so",
                   PYTHONPATH=PACKAGE_DIR)
        out = subprocess.run([sys.executable, "-c", code], env=env,
                             capture_output=True, text=True, timeout=60)
        self.assertIn("ERR", out.stdout, out.stderr)
        self.assertIn("/nonexistent/libcaerec.so", out.stdout)

    def run_python(self, code, **env_changes):
        env = dict(os.environ, PYTHONPATH=PACKAGE_DIR)
        for key, value in env_changes.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return subprocess.run([sys.executable, "-c", code], env=env,
                              capture_output=True, text=True, timeout=60)

    def test_library_dir_and_checkout_search(self):
        current = os.path.realpath(caerec.library_path())
        out = self.run_python("import caerec; print(caerec.library_path())",
                              CAEREC_LIBRARY=None,
                              CAEREC_LIBRARY_DIR=os.path.dirname(current))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(os.path.dirname(out.stdout.strip()),
                         os.path.dirname(current))
        # without either variable, a checkout's build directory is found
        out = self.run_python("import caerec, os; p = caerec.library_path();"
                              " print(p)", CAEREC_LIBRARY=None,
                              CAEREC_LIBRARY_DIR=None)
        self.assertEqual(out.returncode, 0, out.stderr)
        found = out.stdout.strip()
        root = os.path.dirname(os.path.dirname(PACKAGE_DIR))
        if found.startswith("/"):
            self.assertTrue(found.startswith(root), found)
            self.assertIn("libcaerec.so", found)

    def test_handles_alive_at_exit_are_freed_quietly(self):
        code = ("import caerec\n"
                "ds = caerec.Dataset([1, 2], [3, 4], [1.0, 2.0])\n"
                "cfg = caerec.Config(hidden=4)\n"
                "class Holder: pass\n"
                "h = Holder(); h.self = h; h.ds = ds.copy()\n"
                "model = caerec.Model(cfg, epochs=1)\n"
                "print('done')\n")
        out = self.run_python(code)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "done")
        self.assertEqual(out.stderr, "")

    def test_not_libcaerec_is_rejected(self):
        libc = ctypes.util.find_library("c")
        if not libc:
            self.skipTest("no libc found")
        with self.assertRaises(caerec.LibraryNotFound) as ctx:
            caerec._lib.Library(libc)
        self.assertIn("caerec_version_number", str(ctx.exception))

    def test_every_prototype_is_exported(self):
        lib = caerec._lib.lib()
        missing = [n for n in caerec._lib.PROTOTYPES if not lib.has(n)]
        self.assertEqual(missing, [])
        self.assertNotIsInstance(lib.caerec_predict, caerec._lib._Missing)

    def test_missing_function_raises_function_unavailable(self):
        stub = caerec._lib._Missing("caerec_future", "libcaerec.so")
        with self.assertRaises(caerec.FunctionUnavailable) as ctx:
            stub()
        self.assertIn("caerec_future", str(ctx.exception))
        self.assertIsInstance(ctx.exception, NotImplementedError)

    def test_prototypes_match_map_file(self):
        mapfile = os.path.join(os.path.dirname(PACKAGE_DIR), "..", "lib",
                               "caerec.map")
        if not os.path.exists(mapfile):
            self.skipTest("no lib/caerec.map (installed package)")
        with open(mapfile) as f:
            exported = {line.strip().rstrip(";") for line in f
                        if line.strip().startswith("caerec_")}
        self.assertEqual(set(caerec._lib.PROTOTYPES), exported)

    def test_struct_sizes_follow_c_layout(self):
        lib = caerec._lib
        sz, d = ctypes.sizeof(ctypes.c_size_t), 8
        self.assertEqual(ctypes.sizeof(lib.SyntheticOptions), 5 * sz + 2 * d
                         + 8)
        self.assertEqual(lib.SyntheticOptions.new().struct_size,
                         ctypes.sizeof(lib.SyntheticOptions))
        self.assertEqual(lib.EpochReport.new().struct_size,
                         ctypes.sizeof(lib.EpochReport))
        self.assertEqual(lib.RecOptions.new().struct_size,
                         ctypes.sizeof(lib.RecOptions))
        self.assertEqual(lib.RatingMetrics.new().struct_size,
                         ctypes.sizeof(lib.RatingMetrics))
        self.assertEqual(lib.TopkMetrics.new().struct_size,
                         ctypes.sizeof(lib.TopkMetrics))
        # caerec_epoch_report: size_t, unsigned, 5 doubles, 4 doubles, int
        self.assertEqual(lib.EpochReport.train.offset, 2 * 8)
        self.assertEqual(ctypes.sizeof(lib.EpochReport), 8 + 8 + 9 * 8 + 8)

    def test_strerror_and_error_classes(self):
        self.assertEqual(caerec.strerror(0), "success")
        self.assertEqual(caerec.strerror(12345), "unknown error")
        for code, cls in caerec.errors.ERRORS.items():
            self.assertEqual(cls.code, code)
            self.assertTrue(issubclass(cls, caerec.CaerecError))
            self.assertNotEqual(caerec.strerror(code), "unknown error")
        self.assertEqual(len(caerec.errors.ERRORS), 14)
        self.assertTrue(issubclass(caerec.NotFound, LookupError))
        self.assertTrue(issubclass(caerec.ParseError, ValueError))
        err = caerec.CaerecIOError("x.csv: no such file", -3, "io")
        self.assertEqual(str(err), "x.csv: no such file")
        self.assertEqual(err.status, -3)

    def test_error_carries_status_and_last_error(self):
        with self.assertRaises(caerec.InvalidArgument) as ctx:
            caerec.Dataset.empty(levels=(3.0, 1.0))  # unsorted levels
        exc = ctx.exception
        self.assertEqual(exc.status, -1)
        self.assertEqual(exc.reason, caerec.strerror(-1))
        self.assertTrue(exc.message)
        self.assertEqual(exc.message, caerec.last_error())


class ConfigTest(TestCase):
    def test_set_and_get(self):
        with caerec.Config(hidden=32, l2=0.25, act_out="sigmoid",
                           lr_decay=0.5, orientation="item") as cfg:
            self.assertEqual(cfg["hidden"], 32)
            self.assertEqual(cfg.get("l2"), 0.25)
            self.assertEqual(cfg.get("act_out"), "sigmoid")
            self.assertEqual(cfg.get("lr-decay"), 0.5)
            self.assertEqual(cfg.get("orientation"), "item")
            cfg.set_int("epochs", 7)
            cfg.set_double("dropout", 0.125)
            cfg["batch"] = 9
            self.assertEqual((cfg["epochs"], cfg["dropout"], cfg["batch"]),
                             (7, 0.125, 9))
            copy = cfg.copy()
            cfg["hidden"] = 8
            self.assertEqual(copy["hidden"], 32)
            copy.close()
            self.assertEqual(set(cfg.to_dict()), set(caerec.OPTIONS))

    def test_option_names_match_library(self):
        self.assertEqual(caerec.option_names(), list(caerec.OPTIONS))

    def test_bad_options(self):
        with caerec.Config() as cfg:
            with self.assertRaises(caerec.InvalidArgument) as ctx:
                cfg.set("no_such_option", 1)
            self.assertIn("no-such-option", str(ctx.exception))
            with self.assertRaises(caerec.RangeError):
                cfg.set("hidden", 0)
            with self.assertRaises(caerec.InvalidArgument):
                cfg.set("act_out", "banana")
            self.assertEqual(cfg["hidden"], caerec.Config()["hidden"])

    def test_closed_config(self):
        cfg = caerec.Config()
        cfg.close()
        cfg.close()  # idempotent
        with self.assertRaises(caerec.InvalidArgument):
            cfg.get("hidden")


if __name__ == "__main__":
    unittest.main()
