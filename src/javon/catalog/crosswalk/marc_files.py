"""MARC files in and out: ISO 2709 (.mrc) in UTF-8, MARC-8 or CP1251, and MARCXML.

    read_marc_file(path)      -> iterator of MarcResult (a WorkInput, or a RecordError for a broken record)
    record_format(name, head) -> 'marc' | 'marcxml' | None
    write_marc(records, out, encoding='utf-8' | 'marc-8'); write_marcxml(records, out)

Reading streams: a 100,000-record file is never in memory at once. A binary file is cut at
record terminators (0x1D), so a record with a wrong length or a broken directory fails
alone and the next one is read as if nothing happened. MARCXML is parsed with iterparse
(no network, no entities) and can only go on past a broken record, not past broken XML.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from lxml import etree
from pymarc import Field, Indicators, Leader, Record, Subfield, record_to_xml

from javon.catalog.crosswalk.common import RecordError
from javon.catalog.crosswalk.marc import RecordProblem, control_identifier, record_to_input
from javon.catalog.crosswalk.marc8 import encode_marc8, expand_references, guess_encoding
from javon.catalog.services import CatalogError, WorkInput, validate

MARC_NS = "http://www.loc.gov/MARC21/slim"
_RECORD_END = b"\x1d"
_BINARY_SUFFIXES = {".mrc", ".marc", ".iso", ".dat"}
_BLOCK = 1 << 20
_DIRECTORY_001 = re.compile(rb"001(\d{4})(\d{5})")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class MarcResult:
    """One record read: its place in the file, its control number, and a WorkInput or an error."""

    position: int
    control: str
    data: WorkInput | None = None
    error: RecordError | None = None
    encoding: str = ""
    organisation: str = ""  # 003

    @property
    def key(self) -> str:
        """001 + 003 as the catalogue keeps it (an `other` identifier), or ''."""
        return control_identifier(self.control, self.organisation)


def record_format(name: str, head: bytes) -> str | None:
    """Is this file a MARC record file? `head` is its first few kilobytes."""
    suffix = Path(name).suffix.lower()
    if suffix in _BINARY_SUFFIXES and (head[:5].isdigit() or b"\x1e" in head):
        return "marc"  # a damaged first leader still leaves field terminators to recognise
    if suffix == ".xml" and MARC_NS.encode() in head:
        return "marcxml"
    return None


# ------------------------------------------------------------------ reading
def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    """Raw records, cut at each terminator; leftovers at the end (a truncated record) included."""
    pending = b""
    while block := stream.read(_BLOCK):
        pending += block
        *whole, pending = pending.split(_RECORD_END)
        for chunk in whole:
            yield chunk + _RECORD_END
    if pending.strip(b"\r\n\x1a \x00"):
        yield pending


def _control_of(chunk: bytes) -> str:
    """001 of a record pymarc refused, read straight from its directory, for the report."""
    try:
        base = int(chunk[12:17])
        match = _DIRECTORY_001.search(chunk[24:base])
        if not match or (match.start() % 12) != 0:
            return ""
        length, offset = int(match.group(1)), int(match.group(2))
        return chunk[base + offset : base + offset + length - 1].decode("ascii", "replace").strip()[:50]
    except (ValueError, IndexError):
        return ""


def _problem(chunk: bytes) -> str:
    """What is wrong with a record's frame, in words, before pymarc sees it."""
    if len(chunk) < 25:
        return f"truncated: only {len(chunk)} bytes"
    if not chunk[:5].isdigit():
        return f"bad leader: record length {chunk[:5]!r} is not a number"
    if int(chunk[:5]) != len(chunk):
        return f"bad leader or truncated: leader says {int(chunk[:5])} bytes, the record has {len(chunk)}"
    if not chunk[12:17].isdigit():
        return f"bad leader: base address {chunk[12:17]!r} is not a number"
    return ""


def decode_record(chunk: bytes) -> tuple[Record, str]:
    """pymarc Record from one raw record, in the encoding it really uses; raises on a broken one."""
    encoding = guess_encoding(chunk)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bad subfield codes: pymarc repairs them
        if encoding == "cp1251":
            record = Record(chunk, to_unicode=True, force_utf8=False, file_encoding="cp1251")
        else:
            record = Record(
                chunk, to_unicode=True, force_utf8=encoding == "utf-8", hide_utf8_warnings=True, utf8_handling="strict"
            )
    if encoding == "marc-8":
        _expand_references(record)
    return record, encoding


def _expand_references(record: Record) -> None:
    for field in record.get_fields():
        if not field.is_control_field():
            field.subfields = [Subfield(s.code, expand_references(s.value)) for s in field.subfields]


def _result(position: int, record: Record, encoding: str, source: str) -> MarcResult:
    control = _field_data(record, "001")
    result = MarcResult(position, control, encoding=encoding, organisation=_field_data(record, "003"))
    try:
        data = record_to_input(record)
        validate(data)
        result.data = data
    except (RecordProblem, CatalogError) as exc:
        result.error = RecordError(position, _with_control(str(exc), control), source)
    return result


def _field_data(record: Record, tag: str) -> str:
    fields = record.get_fields(tag)
    return (fields[0].data or "").strip() if fields and fields[0].is_control_field() else ""


def _with_control(message: str, control: str) -> str:
    return f"{message} (001 {control})" if control else message


def read_marc(stream: BinaryIO, source: str = "") -> Iterator[MarcResult]:
    """Records of an ISO 2709 file, one result each; a broken record is an error and the next goes on."""
    for position, chunk in enumerate(_chunks(stream), start=1):
        problem = _problem(chunk)
        if problem:
            control = _control_of(chunk) if not problem.startswith("truncated") else ""
            yield MarcResult(position, control, error=RecordError(position, _with_control(problem, control), source))
            continue
        try:
            record, encoding = decode_record(chunk)
        except UnicodeDecodeError as exc:
            control = _control_of(chunk)
            message = f"undecodable: not valid {exc.encoding} ({exc.reason})"
            yield MarcResult(position, control, error=RecordError(position, _with_control(message, control), source))
            continue
        except Exception as exc:  # pymarc raises many kinds for a broken directory; each is this record's
            control = _control_of(chunk)
            message = f"bad record structure: {type(exc).__name__} {exc}".strip()
            yield MarcResult(position, control, error=RecordError(position, _with_control(message, control), source))
            continue
        yield _result(position, record, encoding, source)


def _xml_record(element: etree._Element) -> Record:
    leader = (element.findtext(f"{{{MARC_NS}}}leader") or "").replace("#", " ")
    if len(leader) != 24:
        raise RecordProblem(f"bad leader: {len(leader)} characters, not 24")
    record = Record(leader=leader, force_utf8=True)
    for child in element:
        tag = child.get("tag", "")
        if child.tag == f"{{{MARC_NS}}}controlfield":
            record.add_field(Field(tag=tag, data=child.text or ""))
        elif child.tag == f"{{{MARC_NS}}}datafield":
            subfields = [Subfield(s.get("code", ""), s.text or "") for s in child if s.tag == f"{{{MARC_NS}}}subfield"]
            indicators = Indicators(child.get("ind1", " ")[:1] or " ", child.get("ind2", " ")[:1] or " ")
            record.add_field(Field(tag=tag, indicators=indicators, subfields=subfields))
    return record


def read_marcxml(stream: IO[bytes], source: str = "") -> Iterator[MarcResult]:
    """Records of a MARCXML file (a <collection> or one <record>), one result each."""
    position = 0
    events = etree.iterparse(
        stream, events=("end",), tag=f"{{{MARC_NS}}}record", resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        for _event, element in events:
            position += 1
            try:
                record = _xml_record(element)
            except RecordProblem as exc:
                control = element.findtext(f"{{{MARC_NS}}}controlfield[@tag='001']") or ""
                yield MarcResult(
                    position, control, error=RecordError(position, _with_control(str(exc), control), source)
                )
            else:
                yield _result(position, record, "utf-8", source)
            element.clear(keep_tail=True)
            while element.getprevious() is not None:  # keep memory flat on large files
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        yield MarcResult(
            position + 1, "", error=RecordError(position + 1, f"broken XML, reading stopped: {exc}", source)
        )


def read_marc_file(path: str | Path, format: str | None = None) -> Iterator[MarcResult]:
    path = Path(path)
    if format is None:
        with path.open("rb") as head:
            format = record_format(path.name, head.read(4096))
    with path.open("rb") as stream:
        if format == "marcxml":
            yield from read_marcxml(stream, path.name)
        elif format == "marc":
            yield from read_marc(stream, path.name)
        else:
            raise ValueError(f"{path.name}: not a MARC 21 (.mrc) or MARCXML file")


# ------------------------------------------------------------------ writing
def _as_marc8(record: Record) -> Record:
    """A copy whose texts are MARC-8 bytes (carried as Latin-1 characters, which pymarc writes byte for byte)."""
    # to_unicode off: pymarc would otherwise mark the leader UTF-8 and write the bytes as such.
    copy = Record(leader=str(record.leader)[:9] + " " + str(record.leader)[10:], to_unicode=False)
    for field in record.get_fields():
        if field.is_control_field():
            copy.add_field(Field(tag=field.tag, data=field.data))
        else:
            subfields = [Subfield(s.code, encode_marc8(s.value).decode("latin-1")) for s in field.subfields]
            copy.add_field(Field(tag=field.tag, indicators=field.indicators, subfields=subfields))
    return copy


def marc_bytes(record: Record, encoding: str = "utf-8") -> bytes:
    """One record as ISO 2709 bytes; 'marc-8' sets leader/09 blank, 'utf-8' sets it to 'a'."""
    if encoding == "marc-8":
        return _as_marc8(record).as_marc()
    if encoding != "utf-8":
        raise ValueError(f"unknown MARC encoding {encoding!r}: use utf-8 or marc-8")
    record.leader = Leader(str(record.leader)[:9] + "a" + str(record.leader)[10:])
    record.force_utf8 = True
    return record.as_marc()


def write_marc(records: Iterable[Record], out: IO[bytes], encoding: str = "utf-8") -> int:
    count = 0
    for record in records:
        out.write(marc_bytes(record, encoding))
        count += 1
    return count


def marcxml_element(record: Record) -> etree._Element:
    """<marc:record> for one record: MARCXML is always Unicode, so leader/09 says 'a'."""
    record.leader = Leader(str(record.leader)[:9] + "a" + str(record.leader)[10:])
    for field in record.get_fields():
        if field.is_control_field():
            field.data = _NOT_XML.sub("", field.data or "")
        else:
            field.subfields = [Subfield(s.code, _NOT_XML.sub("", s.value)) for s in field.subfields]
    return etree.fromstring(record_to_xml(record, namespace=True))


def write_marcxml(records: Iterable[Record], out: IO[bytes]) -> int:
    """A <collection> written record by record, so that a large export never sits in memory."""
    count = 0
    with etree.xmlfile(out, encoding="utf-8") as xml:
        xml.write_declaration()
        with xml.element(f"{{{MARC_NS}}}collection", nsmap={"marc": MARC_NS}):
            for record in records:
                xml.write(marcxml_element(record))
                count += 1
    return count
