{{/*
The chart name, overridable with nameOverride.
*/}}
{{- define "nightshift.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full resource name: the release name, plus the chart name unless the release name holds it.
Truncated to 63 characters, the limit of DNS names.
*/}}
{{- define "nightshift.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "nightshift.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "nightshift.labels" -}}
helm.sh/chart: {{ include "nightshift.chart" . }}
{{ include "nightshift.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: nightshift
{{- end }}

{{/*
Labels that select this release's pods; never change them after a release exists.
*/}}
{{- define "nightshift.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nightshift.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount the pods run as.
*/}}
{{- define "nightshift.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nightshift.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference: repository, then the digest if set, else the tag (default: appVersion).
*/}}
{{- define "nightshift.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The namespaces Jobs may be created in, as a list: the values' list, or the release namespace.
*/}}
{{- define "nightshift.namespaces" -}}
{{- $namespaces := .Values.namespaces | default (list .Release.Namespace) }}
{{- toJson (uniq $namespaces) }}
{{- end }}

{{/*
True ("true") when Nightshift may create Jobs in every namespace: namespaces is ["*"].
*/}}
{{- define "nightshift.allNamespaces" -}}
{{- $namespaces := include "nightshift.namespaces" . | fromJsonArray }}
{{- if has "*" $namespaces }}
{{- if gt (len $namespaces) 1 }}
{{- fail "namespaces: \"*\" means every namespace and cannot be combined with other namespaces" }}
{{- end }}
{{- true }}
{{- end }}
{{- end }}

{{/*
The RBAC rules of the Kubernetes executor: exactly what the code calls, no wildcards.
*/}}
{{- define "nightshift.rbacRules" -}}
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["create", "delete", "get", "list", "watch", "patch"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/*
True ("true") when Nightshift runs its embedded PostgreSQL: database.host is empty. Its data is on
one PersistentVolumeClaim, so the release runs one replica.
*/}}
{{- define "nightshift.embedded" -}}
{{- if not .Values.database.host }}
{{- true }}
{{- end }}
{{- end }}

{{/*
Fails on a half-configured external database: a host without the Secret holding the password, or
the Secret without a host (which would otherwise fall back to the embedded PostgreSQL unnoticed).
*/}}
{{- define "nightshift.checkDatabase" -}}
{{- $db := .Values.database }}
{{- if and $db.host (not $db.existingSecret) }}
{{- fail "database.existingSecret is required with database.host: the name of a Secret holding the database password (the chart never takes the password as a value). Leave database.host empty to run the embedded PostgreSQL instead" }}
{{- end }}
{{- if and $db.existingSecret (not $db.host) }}
{{- fail "database.host is required with database.existingSecret: the host name of your PostgreSQL server. Leave both empty to run the embedded PostgreSQL instead" }}
{{- end }}
{{- end }}

{{/*
The number of replicas. replicaCount when set; empty means 2 with an external database and 1 with
the embedded one, which fails on more than one: a second pod cannot share its data directory.
*/}}
{{- define "nightshift.replicas" -}}
{{- $count := .Values.replicaCount }}
{{- if include "nightshift.embedded" . }}
{{- if and (not (kindIs "invalid" $count)) (gt (int $count) 1) }}
{{- fail (printf "replicaCount is %d, but database.host is empty, so Nightshift runs its embedded PostgreSQL: its data is on one volume that only one replica may use. To run more replicas, set database.host and database.existingSecret for an external PostgreSQL" (int $count)) }}
{{- end }}
{{- 1 }}
{{- else if kindIs "invalid" $count }}
{{- 2 }}
{{- else }}
{{- int $count }}
{{- end }}
{{- end }}

{{/*
The PersistentVolumeClaim holding the embedded PostgreSQL's data: the existing claim, or the
chart's own.
*/}}
{{- define "nightshift.dataClaim" -}}
{{- .Values.embedded.persistence.existingClaim | default (printf "%s-data" (include "nightshift.fullname" .)) }}
{{- end }}

{{/*
The JDBC URL built from database.host, port, name and parameters.
*/}}
{{- define "nightshift.jdbcUrl" -}}
{{- $db := .Values.database }}
{{- $host := required "database.host is required: the host name of your PostgreSQL server" $db.host }}
{{- $url := printf "jdbc:postgresql://%s:%v/%s" $host (int $db.port) $db.name }}
{{- if $db.parameters }}
{{- $url = printf "%s?%s" $url $db.parameters }}
{{- end }}
{{- $url }}
{{- end }}

{{/*
The Secret holding the bootstrap admin token: auth.adminToken.existingSecret, or the chart's own.
*/}}
{{- define "nightshift.adminTokenSecret" -}}
{{- .Values.auth.adminToken.existingSecret | default (printf "%s-admin-token" (include "nightshift.fullname" .)) }}
{{- end }}

{{/*
The Secret holding the metrics token: auth.metricsToken.existingSecret, or the chart's own.
*/}}
{{- define "nightshift.metricsTokenSecret" -}}
{{- .Values.auth.metricsToken.existingSecret | default (printf "%s-metrics-token" (include "nightshift.fullname" .)) }}
{{- end }}

{{/*
Fails when only one of auth.oidc.issuer and auth.oidc.jwksUrl is set: the server turns OIDC on
only with both, so one alone would leave login off without a word.
*/}}
{{- define "nightshift.checkOidc" -}}
{{- $oidc := .Values.auth.oidc }}
{{- if and $oidc.issuer (not $oidc.jwksUrl) }}
{{- fail "auth.oidc.issuer is set but auth.oidc.jwksUrl is not: OIDC login needs both (jwksUrl is where the issuer publishes its signing keys); set both, or neither to leave OIDC off" }}
{{- end }}
{{- if and $oidc.jwksUrl (not $oidc.issuer) }}
{{- fail "auth.oidc.jwksUrl is set but auth.oidc.issuer is not: OIDC login needs both; set both, or neither to leave OIDC off" }}
{{- end }}
{{- end }}
