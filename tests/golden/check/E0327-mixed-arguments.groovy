pipeline {
    agent any
    parameters {
        booleanParam(defaultValue: true, 'flag')
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
