pipeline {
    agent any
    triggers {
        [$class: 'TimerTrigger', spec: '@daily']
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
