from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from techportal.privacy.admin_actions import PersonalDataActions

from .models import Contact, Coordinator, Organisation, PostcodeRange, Region
from .queries import region_for_postcode
from .services import organisations_assign_regions


def regions_visible_to(user) -> QuerySet[Region] | None:
    """The regions a staff user may see in /beheer/; None means all of them."""
    if user.is_superuser:
        return None
    coordinator = getattr(user, "coordinator", None)
    if coordinator is None:
        return Region.objects.none()
    if coordinator.is_national_desk:
        return None
    return coordinator.regions.all()


class RegionScopedAdmin(admin.ModelAdmin):
    """Shows a coordinator only the rows of their own regions (the national desk sees all).

    `region_lookup` is the path from the model to its Region. Because scoping lives in
    `get_queryset`, lists, change pages, search, filters and actions all respect it.
    """

    region_lookup = "region"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        regions = regions_visible_to(request.user)
        if regions is None:
            return queryset
        return queryset.filter(**{f"{self.region_lookup}__in": regions})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices of a link to an organisation are scoped too, so a coordinator cannot
        # attach a row to (or probe the ids of) another region's organisation.
        regions = regions_visible_to(request.user)
        if db_field.related_model is Organisation and regions is not None:
            kwargs["queryset"] = Organisation.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VisibleRegionFilter(admin.SimpleListFilter):
    """Filter by region, offering only the regions the user may see (no other region's name).

    Follows the admin's `region_lookup`, so it serves every `RegionScopedAdmin`.
    """

    title = _("regio")
    parameter_name = "region"
    NONE = "none"

    def __init__(self, request, params, model, model_admin) -> None:
        self.region_lookup = getattr(model_admin, "region_lookup", "region")
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        visible = regions_visible_to(request.user)
        regions = Region.objects.all() if visible is None else visible
        choices: list[tuple[str, str]] = [
            (str(region.pk), region.name) for region in regions.order_by("name")
        ]
        if visible is None:  # only those who see every region see the rows without one
            choices.append((self.NONE, gettext("Geen regio")))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NONE:
            return queryset.filter(**{f"{self.region_lookup}__isnull": True})
        if value and value.isdigit():
            return queryset.filter(**{self.region_lookup: int(value)})
        return queryset


class PostcodeRangeInline(admin.TabularInline):
    model = PostcodeRange
    extra = 1


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "postcode_ranges_display", "organisation_count"]
    list_filter = ["province"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PostcodeRangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return (
            super()
            .get_queryset(request)
            .annotate(organisation_count=Count("organisations", distinct=True))
            .prefetch_related("postcode_ranges")
        )

    @admin.display(description=_("postcodes"))
    def postcode_ranges_display(self, region: Region) -> str:
        return ", ".join(str(r) for r in region.postcode_ranges.all())

    @admin.display(description=_("organisaties"), ordering="organisation_count")
    def organisation_count(self, region: Region) -> int:
        return region.organisation_count  # type: ignore[attr-defined]  # annotated

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            organisations_assign_regions()  # the postcode ranges changed


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone"]


@admin.register(Organisation)
class OrganisationAdmin(RegionScopedAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "city", "postcode", "region", "kvk_number", "vestigingscode"]
    list_filter = ["kind", "region", "region__province"]
    list_select_related = ["region"]
    search_fields = ["name", "city", "postcode", "kvk_number", "vestigingscode"]
    readonly_fields = ["region", "created_at", "updated_at"]
    inlines = [ContactInline]
    fieldsets = [
        (None, {"fields": ["kind", "name", "website", "worlds"]}),
        (_("Adres"), {"fields": ["street_address", "postcode", "city", "region"]}),
        (_("Bedrijf"), {"fields": ["kvk_number"]}),
        (_("School"), {"fields": ["vestigingscode", "school_levels"]}),
        (_("Historie"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        visible = regions_visible_to(request.user)
        if visible is None:
            return form
        region_ids = set(visible.values_list("pk", flat=True))

        class RegionBoundForm(form):  # type: ignore[valid-type, misc]
            """A coordinator keeps organisations inside their own regions."""

            def clean(self):
                cleaned = super().clean()
                postcode = cleaned.get("postcode")
                region = region_for_postcode(postcode or "")
                if postcode and getattr(region, "pk", None) not in region_ids:
                    self.add_error(
                        "postcode",
                        _(
                            "Deze postcode ligt buiten uw regio's. Vraag de landelijke desk om "
                            "deze organisatie toe te voegen."
                        ),
                    )
                return cleaned

        return RegionBoundForm


@admin.register(Contact)
class ContactAdmin(PersonalDataActions, RegionScopedAdmin):
    """Superusers also export and erase a contact's personal data (AVG) from the list."""

    region_lookup = "organisation__region"
    list_display = ["name", "role", "email", "phone", "organisation"]
    list_select_related = ["organisation"]
    list_filter = ["organisation__kind", "organisation__region"]
    search_fields = ["name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "regions_display", "is_national_desk", "is_active"]
    list_filter = ["is_active", "is_national_desk", "regions"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "user__username"]
    list_select_related = ["user"]
    filter_horizontal = ["regions"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Coordinator]:
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("e-mailadres"), ordering="user__email")
    def email(self, coordinator: Coordinator) -> str:
        return coordinator.user.email

    @admin.display(description=_("regio's"))
    def regions_display(self, coordinator: Coordinator) -> str:
        return ", ".join(region.name for region in coordinator.regions.all())
