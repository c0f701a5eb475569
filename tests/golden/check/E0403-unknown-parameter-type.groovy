pipeline {
    agent any
    parameters {
        bananaParam(name: 'x')
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
