{#- The ONE place experiment metrics are defined.

    Base aggregates are counted per exposed user over a window of their events (the conversion
    window after exposure, or the pre-exposure window for the CUPED covariate): each is
    `function(argument)` over the user's events of one event type. Metrics are expressions over
    base aggregates; `{p}` stands for the column prefix of the window ('' for the analysed
    conversion window, 'observed_' for the conversion window as observed, 'pre_' for the
    pre-exposure window). Binomial and mean metrics have denominator 1 (per user) and use the
    same metric over the pre-exposure window as covariate; ratio metrics (numerator / denominator
    summed over users, delta method) have no covariate. `simulated_inputs` lists the base
    aggregates an offline simulation may change (see int_experiment_user_outcomes). -#}

{% macro experiment_base_aggregates() -%}
    {{ return({
        'orders': {
            'event_type': 'purchase',
            'function': 'count',
            'argument': 'distinct coalesce(order_id, event_id)',
            'description': 'distinct orders (purchase events without an order id count one each)',
        },
        'revenue': {
            'event_type': 'purchase',
            'function': 'sum',
            'argument': 'revenue',
            'description': 'sum of purchase revenue (0 when none)',
        },
        'checkouts': {
            'event_type': 'begin_checkout',
            'function': 'count',
            'argument': '*',
            'description': 'begin_checkout events',
        },
        'cart_removals': {
            'event_type': 'remove_from_cart',
            'function': 'count',
            'argument': '*',
            'description': 'remove_from_cart events',
        },
    }) }}
{%- endmacro %}


{% macro experiment_metric_definitions() -%}
    {{ return({
        'purchase': {
            'type': 'binomial',
            'numerator': 'cast({p}orders > 0 as double)',
            'denominator': none,
            'description': '1 if the user placed an order in the window, else 0',
        },
        'orders': {
            'type': 'mean',
            'numerator': 'cast({p}orders as double)',
            'denominator': none,
            'description': 'orders per user in the window',
        },
        'revenue': {
            'type': 'mean',
            'numerator': 'cast({p}revenue as double)',
            'denominator': none,
            'description': 'revenue per user in the window (0 for non-buyers)',
        },
        'revenue_per_order': {
            'type': 'ratio',
            'numerator': 'cast({p}revenue as double)',
            'denominator': 'cast({p}orders as double)',
            'description': 'average order value: revenue / orders, summed over users',
        },
        'reached_checkout': {
            'type': 'binomial',
            'numerator': 'cast({p}checkouts > 0 as double)',
            'denominator': none,
            'description': '1 if the user began a checkout in the window, else 0',
        },
        'removed_from_cart': {
            'type': 'binomial',
            'numerator': 'cast({p}cart_removals > 0 as double)',
            'denominator': none,
            'description': '1 if the user removed an item from the cart in the window, else 0',
        },
    }) }}
{%- endmacro %}


{#- Base aggregates an offline simulation changes (a simulated order adds one order and the
    segment's mean order value). -#}
{% macro experiment_simulated_inputs() -%}
    {{ return(['orders', 'revenue']) }}
{%- endmacro %}


{#- SQL list of the event types the base aggregates read. -#}
{% macro experiment_metric_event_types() -%}
    {%- set types = [] -%}
    {%- for name, agg in experiment_base_aggregates().items() -%}
        {%- if agg.event_type not in types -%}{%- do types.append(agg.event_type) -%}{%- endif -%}
    {%- endfor -%}
    ('{{ types | join("', '") }}')
{%- endmacro %}


{#- One base aggregate over the events where `condition` holds, 0 when there are none. -#}
{% macro experiment_base_aggregate(name, condition) -%}
    {%- set agg = experiment_base_aggregates()[name] -%}
    coalesce({{ agg.function }}({{ agg.argument }}) filter (where event_type = '{{ agg.event_type }}' and {{ condition }}), 0)
{%- endmacro %}


{#- A metric's numerator / denominator expression over the columns with prefix `prefix`. -#}
{% macro experiment_metric_numerator(name, prefix) -%}
    {{ experiment_metric_definitions()[name].numerator | replace('{p}', prefix) }}
{%- endmacro %}

{% macro experiment_metric_denominator(name, prefix) -%}
    {%- set denominator = experiment_metric_definitions()[name].denominator -%}
    {{ (denominator | replace('{p}', prefix)) if denominator else 'cast(1 as double)' }}
{%- endmacro %}

{% macro experiment_metric_uses_simulated_inputs(name) -%}
    {%- set numerator = experiment_metric_definitions()[name].numerator -%}
    {%- set denominator = experiment_metric_definitions()[name].denominator or '' -%}
    {%- set uses = [] -%}
    {%- for input in experiment_simulated_inputs() -%}
        {%- if ('{p}' ~ input) in numerator or ('{p}' ~ input) in denominator -%}
            {%- do uses.append(input) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(uses | length > 0) }}
{%- endmacro %}
