from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/", views.tree, name="tree"),
    path("units/<int:pk>/children/", views.tree_children, name="tree.children"),
    path("units/<int:pk>/", views.unit_detail, name="units.detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="units.edit"),
    path("units/<int:pk>/new-unit/", views.unit_create, name="units.create"),
    path("units/<int:pk>/move/", views.unit_move, name="units.move"),
    path("units/<int:pk>/history/", views.unit_history, name="units.history"),
    path("units/<int:pk>/grants/", views.unit_grants, name="units.grants"),
    path("units/<int:pk>/grants/<int:grant_pk>/revoke/", views.unit_grant_revoke, name="units.grants.revoke"),
    path("units/<int:pk>/grants/<int:grant_pk>/reset-two-factor/", views.unit_grant_reset_two_factor,
         name="units.grants.reset_two_factor"),
    path("units/<int:pk>/stand-in/", views.unit_stand_in, name="units.stand_in"),
    path("units/<int:pk>/stand-in/<int:stand_in_pk>/end/", views.unit_stand_in_end, name="units.stand_in.end"),
    path("units/<int:pk>/new-member/", views.member_create, name="members.create"),
    path("members/search/", views.member_search, name="members.search"),
    path("members/<int:pk>/", views.member_detail, name="members.detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="members.edit"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="members.transfer"),
    path("members/<int:pk>/status/", views.member_status, name="members.status"),
    path("members/<int:pk>/post/", views.member_post, name="members.post"),
    path("members/<int:pk>/posts/<int:post_pk>/end/", views.member_post_end, name="members.post_end"),
    path("members/<int:pk>/account/", views.member_account, name="members.account"),
    path("members/<int:pk>/setup-code/", views.member_setup_code, name="members.setup_code"),
    path("members/<int:pk>/history/", views.member_history, name="members.history"),
]
