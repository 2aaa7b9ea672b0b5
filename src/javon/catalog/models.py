"""The catalogue: works, agents, subjects, collections, identifiers and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from javon.access.policy import validate_rule


class WorkType(models.TextChoices):
    BOOK = "book", _("Book")
    TEXTBOOK = "textbook", _("Textbook")
    MONOGRAPH = "monograph", _("Monograph")
    DISSERTATION = "dissertation", _("Dissertation")
    ARTICLE = "article", _("Article")
    ABSTRACT = "abstract", _("Abstract (referat)")
    ENCYCLOPEDIA = "encyclopedia", _("Encyclopedia")
    REFERENCE = "reference", _("Reference work")
    PERIODICAL_ISSUE = "periodical_issue", _("Periodical issue")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    ARCHIVAL = "archival", _("Archival material")


class Role(models.TextChoices):
    AUTHOR = "author", _("Author")
    EDITOR = "editor", _("Editor")
    TRANSLATOR = "translator", _("Translator")
    COMPILER = "compiler", _("Compiler")
    SUPERVISOR = "supervisor", _("Supervisor")
    NARRATOR = "narrator", _("Narrator")
    ILLUSTRATOR = "illustrator", _("Illustrator")
    CONTRIBUTOR = "contributor", _("Contributor")


class Script(models.TextChoices):
    LATIN = "Latn", _("Latin")
    CYRILLIC = "Cyrl", _("Cyrillic")
    ARABIC = "Arab", _("Arabic")
    OTHER = "Zyyy", _("Other")


class IdentifierScheme(models.TextChoices):
    ISBN = "isbn", "ISBN"
    ISSN = "issn", "ISSN"
    DOI = "doi", "DOI"
    UDC = "udc", _("UDC")
    BBK = "bbk", _("BBK")
    CALL_NUMBER = "call_number", _("Call number")
    URI = "uri", "URI"
    OTHER = "other", _("Other")


class Collection(models.Model):
    """A hierarchical collection (a faculty's theses, a donated archive, a series)."""

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(_("description"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("collection")

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Collection]:
        chain: list[Collection] = []
        node = self.parent
        while node is not None and node not in chain:
            chain.insert(0, node)
            node = node.parent
        return chain


class Agent(models.Model):
    """A person or organisation that made or contributed to works."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=500, help_text=_("As catalogued: Surname, Given"))
    name_key = models.CharField(max_length=500, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    dates = models.CharField(_("dates"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agent")
        constraints = [models.UniqueConstraint(fields=["name_key", "dates"], name="agent_unique_name_dates")]

    def __str__(self) -> str:
        return f"{self.name} ({self.dates})" if self.dates else self.name


class Subject(models.Model):
    term = models.CharField(_("term"), max_length=300)
    term_key = models.CharField(max_length=300, unique=True, editable=False)

    class Meta:
        ordering = ["term"]
        verbose_name = _("subject")

    def __str__(self) -> str:
        return self.term


class Work(models.Model):
    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    type = models.CharField(_("type"), max_length=30, choices=WorkType.choices, default=WorkType.BOOK)
    title = models.CharField(_("title"), max_length=1000)
    title_language = models.CharField(_("title language"), max_length=12, blank=True)
    title_script = models.CharField(_("title script"), max_length=4, choices=Script.choices, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("ISO 639 codes"))
    publisher = models.CharField(_("publisher"), max_length=500, blank=True)
    place = models.CharField(_("place of publication"), max_length=300, blank=True)
    date = models.CharField(_("date"), max_length=50, blank=True, help_text=_("As printed: 1813, 2019-05"))
    year = models.IntegerField(_("year"), null=True, blank=True, db_index=True)
    edition = models.CharField(_("edition"), max_length=200, blank=True)
    series = models.CharField(_("series"), max_length=500, blank=True)
    series_number = models.CharField(_("number in series"), max_length=50, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    rights = models.TextField(_("rights statement"), blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    lending_copies = models.PositiveSmallIntegerField(
        _("copies to lend"),
        default=0,
        help_text=_("0: not lent. Else readers the rule admits borrow one of this many copies and read online only."),
    )
    access = models.CharField(
        _("access"),
        max_length=160,
        default="open",
        validators=[validate_rule],
        help_text=_("open, registered, group:NAME, onsite, staff, metadata-only or embargo:YYYY-MM-DD"),
    )
    subjects = models.ManyToManyField(Subject, blank=True, related_name="works")
    collections = models.ManyToManyField(Collection, blank=True, related_name="works")
    agents = models.ManyToManyField(Agent, through="Contribution", related_name="works")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROCESSING)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("work")
        indexes = [models.Index(fields=["type", "year"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("web:work", args=[self.pk])

    @property
    def language(self) -> str:
        return self.languages[0] if self.languages else ""

    def creator_names(self) -> list[str]:
        return [c.agent.name for c in self.contributions.all()]


class Contribution(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="contributions")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="contributions")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUTHOR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("contribution")

    def __str__(self) -> str:
        return f"{self.agent} ({self.get_role_display()})"


class AlternativeTitle(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="alternative_titles")
    title = models.CharField(_("title"), max_length=1000)
    language = models.CharField(_("language"), max_length=12, blank=True)
    script = models.CharField(_("script"), max_length=4, choices=Script.choices, blank=True)

    class Meta:
        verbose_name = _("alternative title")

    def __str__(self) -> str:
        return self.title


class Identifier(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("identifier")
        indexes = [models.Index(fields=["scheme", "value"])]
        constraints = [models.UniqueConstraint(fields=["work", "scheme", "value"], name="identifier_once_per_work")]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.value}"


class MetadataChange(models.Model):
    """One edit of a work's metadata: who, when, and each field's old and new value."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.CharField(max_length=200, help_text=_("who or what made it: a user, an import"))
    action = models.CharField(max_length=20, default="update")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("metadata change")

    def __str__(self) -> str:
        return f"{self.action} of {self.work_id} by {self.actor}"
