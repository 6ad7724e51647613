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
