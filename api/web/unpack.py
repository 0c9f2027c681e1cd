"""An uploaded workbook or zip of CSV files, placed in a temporary folder the import can read.

A zip is unpacked with care: only ``.csv`` files are taken (folders inside the zip are flattened,
``__MACOSX`` and hidden files passed over), never a symbolic link, never a name that would land
outside the folder, at most :data:`MAX_MEMBERS` files, and no more than the input cap in all,
counted as the bytes are written (a zip that lies about its sizes is stopped there).
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath

from ikg.api.web.forms import Upload

__all__ = ["MAX_MEMBERS", "UnpackError", "place"]

#: files a zip may hold
MAX_MEMBERS = 200


class UnpackError(Exception):
    """The upload cannot be read; ``key`` is the ``web`` catalogue message, ``params`` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def _csv_name(info: zipfile.ZipInfo) -> str | None:
    """The file name a zip member is written as, or None for a member that is passed over."""
    if info.is_dir():
        return None
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnpackError("web.import.zip_link", name=info.filename)
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise UnpackError("web.import.zip_path", name=info.filename)
    if "__MACOSX" in path.parts or path.name.startswith(".") or path.suffix.lower() != ".csv":
        return None
    return path.name


def _unzip(data: bytes, folder: Path, cap: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnpackError("web.import.zip_bad") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnpackError("web.import.zip_many", n=MAX_MEMBERS)
        written = 0
        seen: set[str] = set()
        for info in members:
            name = _csv_name(info)
            if name is None:
                continue
            if name.casefold() in seen:
                raise UnpackError("web.import.zip_twice", name=name)
            seen.add(name.casefold())
            with archive.open(info) as source, (folder / name).open("wb") as target:
                while chunk := source.read(65536):
                    written += len(chunk)
                    if written > cap:
                        raise UnpackError("web.import.too_large", mb=cap // 1_048_576)
                    target.write(chunk)
        if not seen:
            raise UnpackError("web.import.zip_empty")


def place(upload: Upload, folder: Path, cap: int) -> Path:
    """Put the upload into ``folder`` (an empty temporary folder) as the import reads it.

    Parameters
    ----------
    upload : Upload
        A ``.xlsx`` workbook, a ``.zip`` of CSV files, or one ``.csv`` file.
    folder : Path
        An empty folder of this request's own.
    cap : int
        Bytes the unpacked files may have in all (``IKG_MAX_INPUT_MB``).

    Returns
    -------
    Path
        The workbook, or the folder of CSV files.

    Raises
    ------
    UnpackError
        An unknown kind of file, or a zip that cannot be unpacked safely.
    """
    suffix = PurePosixPath(upload.filename).suffix.lower()
    if suffix == ".xlsx":
        path = folder / "upload.xlsx"
        path.write_bytes(upload.data)
        return path
    csv_folder = folder / "csv"
    csv_folder.mkdir()
    if suffix == ".zip":
        _unzip(upload.data, csv_folder, cap)
    elif suffix == ".csv":
        name = PurePosixPath(upload.filename).name
        (csv_folder / name).write_bytes(upload.data)
    else:
        raise UnpackError("web.import.kind", name=upload.filename)
    return csv_folder
