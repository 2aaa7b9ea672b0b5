"""IIIF Image API 3.0 over the pages of works: parsing, geometry, rendering and info.json.

An image is one page of a PDF (the readable copy OCR made of a scan, or a born-digital PDF)
or one frame of an image file of a work, named ``<file id>-<page>``. The full image of a
PDF page is the page at 300 dpi, the resolution of the scans it came from; only the asked
region is rasterised (pdf.render_area), at the asked size. Outputs are bounded
(MAX_WIDTH, MAX_HEIGHT, MAX_AREA), so no request can draw more than a few megapixels.

What is supported (profile level2, and more): regions full, square, x,y,w,h and pct:; sizes
max, w,, ,h, pct:n, w,h and !w,h (not ^: no upscaling); rotations 0/90/180/270 with
mirroring; qualities default, color, gray and bitonal; formats jpg, png and webp.
Bad syntax is 400; a valid request for a feature we lack (arbitrary rotation, ^, tif) 501.

Rendered images are derived, kept under settings.READER_CACHE_DIR/iiif by the PDF's sha256
and the request in canonical form, so "full/max" and the same box in pixels are one file.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from PIL import Image, ImageOps

from javon.access import services as access
from javon.ingest.extractors.base import ExtractionError
from javon.ingest.extractors.image import open_checked
from javon.reader import pdf
from javon.reader import services as reader
from javon.storage import services as storage
from javon.storage.models import Blob, File, FileRole

CONTEXT: Final = "http://iiif.io/api/image/3/context.json"
PROTOCOL: Final = "http://iiif.io/api/image"
PROFILE: Final = "level2"
PROFILE_URI: Final = "http://iiif.io/api/image/3/level2.json"
#: Pixels per inch of the full image of a PDF page: what scans are made at.
PDF_DPI: Final = 300
#: Bounds of any one output; `max` and !w,h shrink to fit them, other sizes past them are refused.
MAX_WIDTH: Final = 2400
MAX_HEIGHT: Final = 2400
MAX_AREA: Final = 4_000_000
#: A hostile page of 200×200 inches would be 3.6 gigapixels at 300 dpi: full images are capped.
MAX_FULL_AREA: Final = 150_000_000
TILE: Final = 512
FORMATS: Final = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
KNOWN_FORMATS: Final = {"tif", "gif", "pdf", "jp2"}  # valid IIIF, not served: 501
QUALITIES: Final = ("default", "color", "gray", "bitonal")
EXTRA_FEATURES: Final = ["mirroring", "profileLinkHeader", "canonicalLinkHeader"]
IMAGE_MIMES: Final = {"image/jpeg", "image/png", "image/tiff", "image/webp", "image/gif"}
IMAGE_ROLES: Final = {FileRole.ORIGINAL, FileRole.ACCESS, FileRole.PAGE_IMAGE}
#: Bumped when rendering changes, so old cached images are neither served nor matched.
VERSION: Final = "i1"
_JPEG_QUALITY, _WEBP_QUALITY = 75, 75


class BadRequest(ValueError):
    """The request is not valid IIIF syntax, or asks for what cannot be (HTTP 400)."""


class NotSupported(ValueError):
    """Valid IIIF, but a feature this service does not have (HTTP 501)."""


# --- parameters ------------------------------------------------------------------------------

_PX = r"(\d{1,9})"
_PCT = r"(\d{1,9}(?:\.\d{0,9})?|\.\d{1,9})"
_REGION_PX = re.compile(rf"{_PX},{_PX},{_PX},{_PX}")
_REGION_PCT = re.compile(rf"pct:{_PCT},{_PCT},{_PCT},{_PCT}")
_SIZE_W = re.compile(rf"{_PX},")
_SIZE_H = re.compile(rf",{_PX}")
_SIZE_WH = re.compile(rf"(!?){_PX},{_PX}")
_SIZE_PCT = re.compile(rf"pct:{_PCT}")
_ROTATION = re.compile(r"(!?)(\d{1,3}(?:\.\d{0,9})?|\.\d{1,9})")
_IDENTIFIER = re.compile(r"([1-9]\d{0,11})-([1-9]\d{0,6})")


@dataclass(frozen=True)
class Params:
    region: tuple[str, tuple[float, ...]]  # ("full" | "square" | "px" | "pct", numbers)
    size: tuple[str, tuple[float, ...]]  # ("max" | "w" | "h" | "pct" | "wh" | "confined", numbers)
    mirror: bool
    rotation: int  # 0, 90, 180 or 270, clockwise
    quality: str
    fmt: str


def parse_region(text: str) -> tuple[str, tuple[float, ...]]:
    if text in ("full", "square"):
        return text, ()
    if m := _REGION_PX.fullmatch(text):
        return "px", tuple(float(g) for g in m.groups())
    if m := _REGION_PCT.fullmatch(text):
        return "pct", tuple(float(g) for g in m.groups())
    raise BadRequest(f"region {text!r} is not full, square, x,y,w,h or pct:x,y,w,h")


def parse_size(text: str) -> tuple[str, tuple[float, ...]]:
    if text.startswith("^"):
        if _is_size(text[1:]):
            raise NotSupported("sizes above the region's (^) are not served")
        raise BadRequest(f"size {text!r} is not a IIIF size")
    if text == "max":
        return "max", ()
    if m := _SIZE_W.fullmatch(text):
        return "w", (float(m[1]),)
    if m := _SIZE_H.fullmatch(text):
        return "h", (float(m[1]),)
    if m := _SIZE_WH.fullmatch(text):
        return ("confined" if m[1] else "wh"), (float(m[2]), float(m[3]))
    if m := _SIZE_PCT.fullmatch(text):
        return "pct", (float(m[1]),)
    raise BadRequest(f"size {text!r} is not max, w,, ,h, w,h, !w,h or pct:n")


def _is_size(text: str) -> bool:
    try:
        parse_size(text)
    except (BadRequest, NotSupported):
        return False
    return True


def parse_rotation(text: str) -> tuple[bool, int]:
    m = _ROTATION.fullmatch(text)
    if m is None or float(m[2]) > 360:
        raise BadRequest(f"rotation {text!r} is not a number of degrees from 0 to 360, optionally after !")
    degrees = float(m[2])
    if degrees % 90:
        raise NotSupported("only rotations by multiples of 90 degrees are served")
    return bool(m[1]), int(degrees) % 360


def parse(region: str, size: str, rotation: str, quality: str, fmt: str) -> Params:
    """The request's parameters, checked; BadRequest or NotSupported otherwise."""
    if quality not in QUALITIES:
        raise BadRequest(f"quality {quality!r} is not one of {', '.join(QUALITIES)}")
    if fmt not in FORMATS:
        if fmt in KNOWN_FORMATS:
            raise NotSupported(f"format {fmt!r} is not served: use {', '.join(FORMATS)}")
        raise BadRequest(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    mirror, degrees = parse_rotation(rotation)
    return Params(parse_region(region), parse_size(size), mirror, degrees, quality, fmt)


def parse_identifier(identifier: str) -> tuple[int, int] | None:
    """(file id, page) of "<file id>-<page>", or None."""
    m = _IDENTIFIER.fullmatch(identifier)
    return (int(m[1]), int(m[2])) if m else None


# --- geometry --------------------------------------------------------------------------------

Box = tuple[int, int, int, int]


def region_box(region: tuple[str, tuple[float, ...]], width: int, height: int) -> Box:
    """The region in full-image pixels (x, y, w, h), cut to the image."""
    kind, n = region
    if kind == "full":
        return 0, 0, width, height
    if kind == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if kind == "pct":
        if any(v > 100 for v in n):
            raise BadRequest("percentages of a region are at most 100")
        n = (n[0] * width / 100, n[1] * height / 100, n[2] * width / 100, n[3] * height / 100)
    x, y, w, h = (round(v) for v in n)
    if w <= 0 or h <= 0:
        raise BadRequest("a region must have a width and a height")
    if x >= width or y >= height:
        raise BadRequest(f"the region lies outside the image ({width}×{height})")
    return x, y, min(w, width - x), min(h, height - y)


def fit(width: int, height: int) -> tuple[int, int]:
    """`width`×`height` shrunk (never grown) to fit MAX_WIDTH, MAX_HEIGHT and MAX_AREA."""
    scale = min(1.0, MAX_WIDTH / width, MAX_HEIGHT / height, math.sqrt(MAX_AREA / (width * height)))
    if scale >= 1.0:
        return width, height
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def output_size(size: tuple[str, tuple[float, ...]], rw: int, rh: int) -> tuple[int, int]:
    """The width and height of the returned image for a region of `rw`×`rh` pixels."""
    kind, n = size
    if kind == "max":
        return fit(rw, rh)
    if kind == "confined":
        if n[0] == 0 or n[1] == 0:
            raise BadRequest("a size must not be zero")
        scale = min(n[0] / rw, n[1] / rh, 1.0)
        return fit(min(int(n[0]), max(1, round(rw * scale))), min(int(n[1]), max(1, round(rh * scale))))
    if kind == "w":
        w, h = int(n[0]), round(rh * n[0] / rw)
    elif kind == "h":
        w, h = round(rw * n[0] / rh), int(n[0])
    elif kind == "pct":
        if n[0] > 100:
            raise BadRequest("sizes above 100% need ^, which is not served")
        w, h = round(rw * n[0] / 100), round(rh * n[0] / 100)
    else:
        w, h = int(n[0]), int(n[1])
    if w > rw or h > rh:
        raise BadRequest(f"{w}×{h} is larger than the region ({rw}×{rh}); upscaling needs ^")
    if w <= 0 or h <= 0:
        raise BadRequest("the asked size would have no pixels")
    if w > MAX_WIDTH or h > MAX_HEIGHT or w * h > MAX_AREA:
        raise BadRequest(f"{w}×{h} is larger than this service gives (see maxWidth, maxHeight, maxArea)")
    return w, h


# --- sources: which pages are images, and how large -------------------------------------------


@dataclass(frozen=True)
class Source:
    """One image of the service: a page of a PDF, or a frame of an image file."""

    file: File
    page: int
    width: int  # of the full image, in pixels
    height: int
    scale: float  # PDF: pixels per point; images: 1

    @property
    def identifier(self) -> str:
        return f"{self.file.pk}-{self.page}"


def is_image_file(f: File) -> bool:
    return f.role in IMAGE_ROLES and (f.mime or "").split(";")[0].strip().lower() in IMAGE_MIMES


def serves(f: File) -> bool:
    """Are the pages of `f` images of this service?"""
    return is_image_file(f) or reader.reader_kind(f) == "pdf"


def _pdf_full_size(page_w: float, page_h: float) -> tuple[int, int, float]:
    scale = PDF_DPI / 72
    area = max(page_w, 1.0) * max(page_h, 1.0) * scale * scale
    if area > MAX_FULL_AREA:
        scale *= math.sqrt(MAX_FULL_AREA / area)
    return max(1, round(page_w * scale)), max(1, round(page_h * scale)), scale


@lru_cache(maxsize=512)
def _image_frames(sha256: str) -> tuple[tuple[int, int], ...]:
    """The pixel size of every frame of a stored image (a TIFF has several)."""
    blob = Blob.objects.get(pk=sha256)
    with storage.local_copy(blob) as local, open_checked(local) as image:
        sizes = []
        for frame in range(getattr(image, "n_frames", 1) if image.format == "TIFF" else 1):
            image.seek(frame)
            sizes.append(image.size)
        return tuple(sizes)


def sources(f: File) -> list[Source]:
    """Every image `f` has, in page order (no access check: see find_source)."""
    if reader.reader_kind(f) == "pdf":
        out = []
        for number, (page_w, page_h) in enumerate(reader.page_sizes(f), start=1):
            width, height, scale = _pdf_full_size(page_w, page_h)
            out.append(Source(f, number, width, height, scale))
        return out
    if is_image_file(f):
        try:
            frames = _image_frames(f.blob_id)
        except (ExtractionError, OSError):
            return []  # a damaged image has no pages to show
        return [Source(f, n, w, h, 1.0) for n, (w, h) in enumerate(frames, start=1)]
    return []


def source_of(f: File, page: int) -> Source | None:
    if reader.reader_kind(f) == "pdf":
        sizes = reader.page_sizes(f)
        if not 1 <= page <= len(sizes):
            return None
        width, height, scale = _pdf_full_size(*sizes[page - 1])
        return Source(f, page, width, height, scale)
    found = sources(f)
    return found[page - 1] if 1 <= page <= len(found) else None


def find_source(who: Any, identifier: str) -> Source | None:
    """The image named `identifier` if `who` may read it online; None for absent and not allowed alike."""
    parsed = parse_identifier(identifier)
    if parsed is None:
        return None
    file_id, page = parsed
    f = File.objects.select_related("work", "blob").filter(pk=file_id).first()
    if f is None or not serves(f) or not access.can_read(who, f.work, f, online=True):
        return None
    return source_of(f, page)


# --- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A request resolved against one image: what to cut, how large, and its cache names."""

    source: Source
    box: Box
    size: tuple[int, int]
    params: Params

    @property
    def canonical(self) -> str:
        """The request's canonical path after the identifier (Image API 3.0, section 4.7)."""
        s, (x, y, w, h), p = self.source, self.box, self.params
        region = "full" if (x, y, w, h) == (0, 0, s.width, s.height) else f"{x},{y},{w},{h}"
        size = "max" if self.size == fit(w, h) else f"{self.size[0]},{self.size[1]}"
        rotation = f"{'!' if p.mirror else ''}{p.rotation}"
        return f"{region}/{size}/{rotation}/{p.quality}.{p.fmt}"

    @property
    def etag(self) -> str:
        x, y, w, h = self.box
        rotation = f"{'m' if self.params.mirror else ''}{self.params.rotation}"
        return (
            f"{self.source.file.blob_id}-{self.source.page}-{x}.{y}.{w}.{h}-{self.size[0]}.{self.size[1]}"
            f"-{rotation}-{self.params.quality}-{VERSION}.{self.params.fmt}"
        )


def plan(source: Source, params: Params) -> Plan:
    box = region_box(params.region, source.width, source.height)
    return Plan(source, box, output_size(params.size, box[2], box[3]), params)


def _cut_pdf(plan: Plan) -> Image.Image:
    s, (x, y, w, h), (ow, oh) = plan.source, plan.box, plan.size
    page_w, page_h = s.width / s.scale, s.height / s.scale
    crop = (x / s.scale, max(page_h - (y + h) / s.scale, 0.0), max(page_w - (x + w) / s.scale, 0.0), y / s.scale)
    with storage.local_copy(s.file.blob, ".pdf") as local:
        image = pdf.render_area(local, s.page, max(ow / w, oh / h) * s.scale, crop)
    return image if image.size == (ow, oh) else image.resize((ow, oh), Image.Resampling.LANCZOS)


def _cut_image(plan: Plan) -> Image.Image:
    s, (x, y, w, h), (ow, oh) = plan.source, plan.box, plan.size
    with storage.local_copy(s.file.blob) as local, open_checked(local) as image:
        image.seek(s.page - 1)
        part = image.crop((x, y, x + w, y + h))
    if part.mode in ("RGBA", "LA", "PA") or (part.mode == "P" and "transparency" in part.info):
        flat = Image.new("RGB", part.size, "white")  # transparency shows as paper
        flat.paste(part.convert("RGBA"), mask=part.convert("RGBA").getchannel("A"))
        part = flat
    elif part.mode.startswith("I"):
        part = part.point(lambda v: v / 256).convert("L")
    elif part.mode not in ("RGB", "L"):
        part = part.convert("RGB")
    if part.size != (ow, oh):
        part = part.resize((ow, oh), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return part


def _finish(image: Image.Image, plan: Plan, from_pdf: bool) -> Image.Image:
    p = plan.params
    if p.mirror:
        image = ImageOps.mirror(image)
    if p.rotation:  # IIIF turns clockwise, PIL's ROTATE_* counter-clockwise
        turn = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
        image = image.transpose(turn[p.rotation])
    if p.quality == "gray":
        return image.convert("L")
    if p.quality == "bitonal":
        return image.convert("L").point(lambda v: 255 if v >= 128 else 0, mode="1")
    if p.quality == "color":
        return image.convert("RGB")
    # default: a printed page in grey is a third of the bytes, as the reader's page images are
    return image.convert("L") if from_pdf and image.mode == "RGB" and pdf.is_grey(image) else image


def encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "png":
        image.save(out, "PNG", compress_level=6)
    elif fmt == "webp":
        image.convert("L" if image.mode in ("1", "L") else "RGB").save(out, "WEBP", quality=_WEBP_QUALITY, method=4)
    else:
        image.convert("L" if image.mode in ("1", "L") else "RGB").save(
            out, "JPEG", quality=_JPEG_QUALITY, optimize=True, progressive=True
        )
    return out.getvalue()


def _cache_path(plan: Plan) -> Path:
    sha = plan.source.file.blob_id
    return reader._cache_dir() / "iiif" / sha[:2] / sha / plan.etag


def render(plan: Plan) -> Path:
    """A local file holding the image `plan` asks for, rendered now if the cache lacks it."""
    target = _cache_path(plan)
    if target.is_file():
        return target
    from_pdf = reader.reader_kind(plan.source.file) == "pdf"
    image = _cut_pdf(plan) if from_pdf else _cut_image(plan)
    data = encode(_finish(image, plan, from_pdf), plan.params.fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:  # renamed into place: a reader never gets half an image
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --- info.json -------------------------------------------------------------------------------


def scale_factors(width: int, height: int) -> list[int]:
    factors = [1]
    while max(width, height) / factors[-1] > TILE and len(factors) < 8:
        factors.append(factors[-1] * 2)
    return factors


def info(source: Source, service_id: str, rights: str | None = None) -> dict[str, Any]:
    """The image information document (section 5) of `source`, whose service URI is `service_id`."""
    largest = fit(source.width, source.height)
    sizes: list[dict[str, int]] = []
    w, h = largest
    while w >= 100 and h >= 100 and len(sizes) < 6:
        sizes.insert(0, {"width": w, "height": h})
        w, h = w // 2, h // 2
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": PROTOCOL,
        "profile": PROFILE,
        "width": source.width,
        "height": source.height,
        "maxWidth": MAX_WIDTH,
        "maxHeight": MAX_HEIGHT,
        "maxArea": MAX_AREA,
        "sizes": sizes or [{"width": largest[0], "height": largest[1]}],
        "tiles": [{"width": TILE, "height": TILE, "scaleFactors": scale_factors(source.width, source.height)}],
        "extraQualities": ["bitonal"],
        "extraFormats": ["webp"],
        "extraFeatures": list(EXTRA_FEATURES),
    }
    if rights:
        document["rights"] = rights
    return document


def service(service_id: str) -> dict[str, Any]:
    """The ImageService3 reference a manifest embeds for an image."""
    return {"id": service_id, "type": "ImageService3", "profile": PROFILE}
